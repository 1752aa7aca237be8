import('../dist/bundle/start-CfFnR3TW.js')
