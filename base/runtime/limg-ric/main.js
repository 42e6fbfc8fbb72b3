'use strict';
// Entry point of limg's runtime interface client for Node.js 12 to 24: the
// offline counterpart of /var/runtime/index.mjs in AWS's base images. It loads
// $LAMBDA_TASK_ROOT/$_HANDLER and serves invokes from $AWS_LAMBDA_RUNTIME_API,
// behaving as AWS's runtime for this Node major does (runtime-features.js).

var LogPatch = require('./log-patch');
var Errors = require('./errors');
var BeforeExit = require('./before-exit');
var RapidClient = require('./rapid-client');
var UserFunction = require('./user-function');
var CallbackHandlers = require('./callback-handlers');
var Runtime = require('./runtime');
var ResponseStream = require('./response-stream');
var features = require('./runtime-features').current;

function run() {
  LogPatch.patchConsole();
  LogPatch.setCurrentRequestId(features.requestIdBeforeFirstInvoke);
  var client = new RapidClient(process.env.AWS_LAMBDA_RUNTIME_API);

  // Until the first invoke, failures are init errors; Runtime swaps these for
  // per-invoke reporting once the handler is loaded.
  var errorCallbacks = {
    uncaughtException: function (error) {
      client.postInitError(error, function () { process.exit(129); });
    },
    unhandledRejection: function (error) {
      client.postInitError(error, function () { process.exit(128); });
    },
  };

  process.on('uncaughtException', function (error) {
    LogPatch.structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
  process.on('unhandledRejection', function (reason, promise) {
    var error = new Errors.UnhandledPromiseRejection(reason, promise);
    LogPatch.structuredConsole.logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });

  var callbacks = features.callbackHandlers !== 'refused';
  var streaming = false;
  BeforeExit.reset();
  process.on('beforeExit', function () {
    if (callbacks || streaming) BeforeExit.invoke();
  });
  if (features.esModulesFromNodePath) require('./esm-node-path').enable(process.env.NODE_PATH);
  // Defined before the handler's module loads, which calls it at its top level.
  ResponseStream.installGlobal(process.env);

  var appRoot = process.env.LAMBDA_TASK_ROOT || '/var/task';
  UserFunction.load(appRoot, process.env._HANDLER).then(function (handler) {
    streaming = ResponseStream.isStreaming(handler);
    // (event, responseStream, context) is a streaming handler's signature, not a callback's.
    if (!streaming) CallbackHandlers.check(handler, features.callbackHandlers, process.env);
    return handler;
  }).then(function (handler) {
    var options = {callbacks: callbacks, isAsync: CallbackHandlers.isAsync(handler), streaming: streaming};
    new Runtime(client, handler, options, errorCallbacks).scheduleIteration();
  }, function (error) {
    LogPatch.structuredConsole.logError(features.initErrorLabel, error);
    errorCallbacks.uncaughtException(error);
  });
}

run();
