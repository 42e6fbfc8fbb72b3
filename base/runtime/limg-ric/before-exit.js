'use strict';
// One 'beforeExit' action at a time: what should happen when the event loop
// drains (finish a callback handler, or report a handler that never finished).

var LISTENER = Symbol.for('aws.lambda.beforeExit');
var NOOP = function () {};

module.exports = {
  invoke: function () { global[LISTENER](); },
  reset: function () { global[LISTENER] = NOOP; },
  set: function (listener) { global[LISTENER] = listener; },
};
