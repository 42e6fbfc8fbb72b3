'use strict';
// Entry point of limg's runtime interface client for Node.js 12 to 24: the
// offline counterpart of /var/runtime/index.mjs in AWS's base images. It loads
// $LAMBDA_TASK_ROOT/$_HANDLER and serves invokes from $AWS_LAMBDA_RUNTIME_API.

var LogPatch = require('./log-patch');
var Errors = require('./errors');
var BeforeExit = require('./before-exit');
var RapidClient = require('./rapid-client');
var UserFunction = require('./user-function');
var Runtime = require('./runtime');

function run() {
  LogPatch.patchConsole();
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

  BeforeExit.reset();
  process.on('beforeExit', BeforeExit.invoke);

  var appRoot = process.env.LAMBDA_TASK_ROOT || '/var/task';
  UserFunction.load(appRoot, process.env._HANDLER).then(function (handler) {
    new Runtime(client, handler, UserFunction.isAsync(handler), errorCallbacks).scheduleIteration();
  }, function (error) {
    // The Node runtime meets a load failure as an uncaught exception at init.
    LogPatch.structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
}

run();
