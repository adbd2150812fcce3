#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so `npx zone-eval` works right after `npm ci` with no build step.
require('tsx/cjs/api').register();
require('./zone-eval.ts');
