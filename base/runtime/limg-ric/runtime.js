'use strict';
// The invoke loop: GET /next, run the handler, post its outcome, repeat. Up to Node.js 22
// the handler gets a callback and the succeed/fail/done context; from Node.js 24 (version 4
// of AWS's client) it gets (event, context) only, and what it returns, or the promise it
// returns, is the outcome.

var InvokeContext = require('./invoke-context');
var CallbackContext = require('./callback-context');
var BeforeExit = require('./before-exit');
var Errors = require('./errors');
var LogPatch = require('./log-patch');
var ResponseStream = require('./response-stream');

function isPromise(value) {
  return Boolean(value) && typeof value.then === 'function';
}

/**
 * options.callbacks: the handler may use a callback (Node.js 22 and older).
 * options.isAsync: the handler is an async function (decides what an early exit means).
 * options.streaming: the handler streams its response (awslambda.streamifyResponse).
 */
function Runtime(client, handler, options, errorCallbacks) {
  this.client = client;
  this.handler = handler;
  this.callbacks = options.callbacks;
  this.isAsync = options.isAsync;
  this.streaming = options.streaming;
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
    if (self.streaming) self.invokeStreaming(invokeContext, next.bodyJson);
    else if (self.callbacks) self.invokeWithCallback(invokeContext, next.bodyJson);
    else self.invokeAwaiting(invokeContext, next.bodyJson);
  });
};

Runtime.prototype.invokeWithCallback = function (invokeContext, bodyJson) {
  var id = invokeContext.invokeId;
  var built = CallbackContext.build(this.client, id, this.scheduleIteration.bind(this));
  var callback = built[0];
  var callbackContext = built[1];
  var markCompleted = built[2];
  try {
    this.setErrorCallbacks(id);
    this.setDefaultExitListener(id, markCompleted);
    var result = this.handler(JSON.parse(bodyJson), invokeContext.attachEnvironmentData(callbackContext), callback);
    if (isPromise(result)) {
      result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
    }
  } catch (err) {
    callback(err);
  }
};

// Version 4 of AWS's client waits a turn of the event loop before posting either outcome,
// and sets no 'beforeExit' action: a promise that never settles lets the runtime exit.
Runtime.prototype.invokeAwaiting = function (invokeContext, bodyJson) {
  var self = this;
  var id = invokeContext.invokeId;
  var next = this.scheduleIteration.bind(this);
  this.setErrorCallbacks(id);
  new Promise(function (resolve) {
    resolve(self.handler(JSON.parse(bodyJson), invokeContext.attachEnvironmentData({})));
  }).then(function (result) {
    setImmediate(function () { self.client.postInvocationResponse(result, id, next); });
  }, function (err) {
    setImmediate(function () {
      LogPatch.structuredConsole.logError('Invoke Error', err);
      self.client.postInvocationError(err, id, next);
    });
  });
};

// A streaming handler writes to its stream and returns a promise; the invoke is over once the
// stream has ended and the Runtime API has answered it. What it returns is ignored (with AWS's
// warning), a handler that is not async fails, and so does one that returns without ending
// its stream; an error, thrown or rejected, ends the stream with the error in its trailers.
Runtime.prototype.invokeStreaming = function (invokeContext, bodyJson) {
  var id = invokeContext.invokeId;
  var next = this.scheduleIteration.bind(this);
  var response = ResponseStream.open(this.client, id, this.handler);
  var fail = function (error) {
    LogPatch.structuredConsole.logError('Invoke Error', error);
    response.fail(error);
  };
  // Before exit: the event loop drained with the stream still open.
  BeforeExit.set(function () { fail(new Error('Response stream is not finished.')); });
  this.setErrorCallbacks(id);
  response.answered.then(function () {
    BeforeExit.reset();
    setImmediate(next);
  }, function (err) {
    process.stderr.write('Runtime API request failed: ' + err.message + '\n');
    process.exit(1);
  });
  var result;
  try {
    result = this.handler(JSON.parse(bodyJson), response.stream, invokeContext.attachEnvironmentData({}));
  } catch (err) {
    fail(err);
    return;
  }
  if (!isPromise(result)) {
    fail(new Error('Streaming does not support non-async handlers.'));
    return;
  }
  result.then(function (value) {
    if (value !== undefined) console.warn('Streaming handlers ignore return values.');
    var stream = response.stream;
    if (!stream.writableFinished && !stream.writableEnded && !stream.finished) {
      // A stream piped into it may still be finishing: give it until the loop drains.
      stream.once('finish', function () { BeforeExit.reset(); });
    }
  }, fail);
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
