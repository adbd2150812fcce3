/*
 * Entry of the local runtime's evaluate worker (lib/local/evaluate-thread.ts says why tsx): registers tsx's
 * require hook in this thread, then serves the evaluate handler to the main thread.
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

require('tsx/cjs/api').register();
require('./evaluate-worker.ts').serveEvaluate(parentPort, workerData);
