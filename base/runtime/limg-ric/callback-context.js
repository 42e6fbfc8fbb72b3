'use strict';
// The callback and the succeed/fail/done half of the context. With
// callbackWaitsForEmptyEventLoop (the default) a callback's result is sent only
// once the event loop has drained; only the first completion counts.

var BeforeExit = require('./before-exit');
var LogPatch = require('./log-patch');

function build(client, id, scheduleNext) {
  var waitForEmptyEventLoop = true;
  var completed = false;
  var finished = false;

  function postError(err) {
    LogPatch.structuredConsole.logError('Invoke Error', err);
    client.postInvocationError(err, id, scheduleNext);
  }

  function complete(result) {
    if (completed) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
      return;
    }
    completed = true;
    client.postInvocationResponse(result, id, scheduleNext);
  }

  function callback(err, result) {
    BeforeExit.reset();
    if (err !== undefined && err !== null) {
      postError(err);
    } else if (!waitForEmptyEventLoop) {
      complete(result);
    } else {
      BeforeExit.set(function () {
        setImmediate(function () { complete(result); });
      });
    }
  }

  function done(err, result) {
    BeforeExit.reset();
    if (err !== undefined && err !== null) postError(err);
    else complete(result);
  }

  function once(fn) {
    return function () {
      if (finished) return;
      fn.apply(null, arguments);
      finished = true;
    };
  }

  var context = {
    get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
    set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
    succeed: once(function (result) { done(null, result); }),
    fail: once(function (err) { done(err === undefined || err === null ? 'handled' : err, null); }),
    done: once(done),
  };
  var markCompleted = function () { completed = true; };
  return [once(callback), context, markCompleted];
}

module.exports = {build: build};
