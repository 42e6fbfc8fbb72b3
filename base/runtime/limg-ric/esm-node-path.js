'use strict';
// Node's ES module resolver ignores NODE_PATH; AWS's Node.js runtimes from nodejs18.x search
// it for ES modules too ("import {S3Client} from '@aws-sdk/client-s3'" finds the bundled SDK
// and layers' packages). The function's own node_modules still comes first: NODE_PATH is only
// tried for a bare specifier Node did not find. Loaded on Node.js 18 and later only.

var Module = require('module');
var url = require('url');
var packages = require('./node-path-packages');

/** Makes ES module imports fall back to NODE_PATH; false where this Node has no module hooks. */
function enable(nodePath) {
  var folders = packages.entries(nodePath);
  if (folders.length === 0) return false;
  // In-thread hooks cost nothing at start; module.register() starts a thread for its hooks.
  if (typeof Module.registerHooks === 'function') {
    Module.registerHooks({resolve: packages.syncResolveHook(folders)});
    return true;
  }
  if (typeof Module.register === 'function') {
    Module.register('./esm-node-path-hooks.mjs', url.pathToFileURL(__filename), {data: {folders: folders}});
    return true;
  }
  return false;
}

module.exports = {enable: enable};
