console.log('The benchmark harness arrives with issue 7; nothing to run yet.');
