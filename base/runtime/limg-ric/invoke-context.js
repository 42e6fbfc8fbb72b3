'use strict';
// The per-invoke half of the context object, read from the /next headers and
// the environment the emulator (or Lambda) gave the runtime.

var LogPatch = require('./log-patch');

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error('Cannot parse ' + name + ' as json: ' + err.toString());
  }
}

function InvokeContext(headers) {
  var lower = {};
  Object.keys(headers).forEach(function (key) { lower[key.toLowerCase()] = headers[key]; });
  this.headers = lower;
}

Object.defineProperty(InvokeContext.prototype, 'invokeId', {
  get: function () {
    var id = this.headers['lambda-runtime-aws-request-id'];
    if (!id) throw new Error('invocation id is missing or invalid');
    return id;
  },
});

InvokeContext.prototype.updateLoggingContext = function () {
  LogPatch.setCurrentRequestId(this.invokeId);
};

InvokeContext.prototype.attachEnvironmentData = function (callbackContext) {
  var headers = this.headers;
  if (headers['lambda-runtime-trace-id']) {
    process.env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
  } else {
    delete process.env._X_AMZN_TRACE_ID;
  }
  var deadline = headers['lambda-runtime-deadline-ms'];
  return Object.assign(callbackContext, {
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  }, {
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    getRemainingTimeInMillis: function () { return deadline - Date.now(); },
  });
};

module.exports = InvokeContext;
