'use strict';
// The invoke loop: GET /next, run the handler, post its outcome, repeat.

var InvokeContext = require('./invoke-context');
var CallbackContext = require('./callback-context');
var BeforeExit = require('./before-exit');
var Errors = require('./errors');
var LogPatch = require('./log-patch');

function isPromise(value) {
  return Boolean(value) && typeof value.then === 'function';
}

function Runtime(client, handler, isAsync, errorCallbacks) {
  this.client = client;
  this.handler = handler;
  this.isAsync = isAsync;
  this.errorCallbacks = errorCallbacks;
}

Runtime.prototype.scheduleIteration = function () {
  var self = this;
  setImmediate(function () {
    self.handleOnce().then(function () {}, function (err) {
      console.log('Unexpected Top Level Error: ' + err.toString());
      self.errorCallbacks.uncaughtException(err);
    });
  });
};

Runtime.prototype.handleOnce = function () {
  var self = this;
  return this.client.nextInvocation().then(function (next) {
    var invokeContext = new InvokeContext(next.headers);
    invokeContext.updateLoggingContext();
    var id = invokeContext.invokeId;
    var built = CallbackContext.build(self.client, id, self.scheduleIteration.bind(self));
    var callback = built[0];
    var callbackContext = built[1];
    var markCompleted = built[2];
    try {
      self.setErrorCallbacks(id);
      self.setDefaultExitListener(id, markCompleted);
      var result = self.handler(
        JSON.parse(next.bodyJson),
        invokeContext.attachEnvironmentData(callbackContext),
        callback
      );
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  });
};

Runtime.prototype.setErrorCallbacks = function (id) {
  var client = this.client;
  this.errorCallbacks.uncaughtException = function (error) {
    client.postInvocationError(error, id, function () { process.exit(129); });
  };
  this.errorCallbacks.unhandledRejection = function (error) {
    client.postInvocationError(error, id, function () { process.exit(128); });
  };
};

// Reached when the loop drains with no completion: an async handler whose
// promise never settled is an error; a sync/callback handler succeeds with null.
Runtime.prototype.setDefaultExitListener = function (id, markCompleted) {
  var self = this;
  BeforeExit.set(function () {
    markCompleted();
    if (self.isAsync) {
      var error = new Errors.NodeJsExit();
      LogPatch.structuredConsole.logError('Invoke Error', error);
      self.client.postInvocationError(error, id, function () { self.scheduleIteration(); });
    } else {
      self.client.postInvocationResponse(null, id, function () { self.scheduleIteration(); });
    }
  });
};

module.exports = Runtime;
