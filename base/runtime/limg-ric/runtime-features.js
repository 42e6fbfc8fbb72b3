'use strict';
// Where AWS's Node.js runtimes differ by Node major, kept as data so a correction is a table
// edit. nodejs24.x runs version 4 of AWS's runtime interface client, which refuses callback
// handlers, logs load failures as "Init Error" and logs "-" for the request id before the
// first invoke. The nodejs18.x to 22.x runtimes search NODE_PATH for ES modules and, since
// July 2025, warn about callback handlers (the warning is on the client's main branch after
// v3.3.0); nodejs12.x to 16.x were no longer updated by then.

var BY_NODE_MAJOR = [
  {
    fromMajor: 24,
    callbackHandlers: 'refused',
    esModulesFromNodePath: true,
    initErrorLabel: 'Init Error',
    requestIdBeforeFirstInvoke: '-',
  },
  {
    fromMajor: 18,
    callbackHandlers: 'warned',
    esModulesFromNodePath: true,
    initErrorLabel: 'Uncaught Exception',
    requestIdBeforeFirstInvoke: undefined,
  },
  {
    fromMajor: 0,
    callbackHandlers: 'accepted',
    esModulesFromNodePath: false,
    initErrorLabel: 'Uncaught Exception',
    requestIdBeforeFirstInvoke: undefined,
  },
];

function forNodeMajor(major) {
  for (var i = 0; i < BY_NODE_MAJOR.length; i++) {
    if (major >= BY_NODE_MAJOR[i].fromMajor) return BY_NODE_MAJOR[i];
  }
  return BY_NODE_MAJOR[BY_NODE_MAJOR.length - 1];
}

module.exports = {
  forNodeMajor: forNodeMajor,
  current: forNodeMajor(parseInt(process.versions.node, 10)),
};
