Promise.all([import('../dist/bundle/main.js'), import('../dist/bundle/io.js'), import('../dist/bundle/direct-B9oTGuIX.js')])
