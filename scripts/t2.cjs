Promise.all([import('../dist/bundle/start-CfFnR3TW.js'), import('../dist/bundle/direct-B9oTGuIX.js')])
