'use strict';
// Error classes and the two serialisations the Node runtime uses: the body
// posted to the Runtime API ({errorType, errorMessage, trace}) and the text
// logged after "Invoke Error" (all enumerable fields, stack as lines).

var util = require('util');

function looksLikeError(value) {
  return Boolean(value) &&
    typeof value.name === 'string' && value.name !== '' &&
    typeof value.message === 'string' && value.message !== '' &&
    typeof value.stack === 'string' && value.stack !== '';
}

function intoError(value) {
  return value instanceof Error ? value : new Error(value);
}

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      return {errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n')};
    }
    return {errorType: typeof error, errorMessage: String(error), trace: []};
  } catch (_err) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withEnumerableProperties(_key, value) {
  if (!(value instanceof Error)) return value;
  var copy = Object.assign({errorType: value.name, errorMessage: value.message, code: value.code}, value);
  if (typeof value.stack === 'string') copy.stack = value.stack.split('\n');
  return copy;
}

// The leading tab is part of the format CloudWatch users grep for.
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, withEnumerableProperties);
  } catch (_err) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class InvalidStreamingOperation extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super('Error: Runtime exited without providing a reason');
  }
}
// Version 4 of AWS's client names its errors on the instance, so the name also shows among the
// fields of the logged error.
class CallbackHandlerDeprecated extends Error {
  constructor(message) {
    super(message);
    this.name = 'Runtime.CallbackHandlerDeprecated';
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}

var runtimeErrors = {
  ImportModuleError: ImportModuleError,
  HandlerNotFound: HandlerNotFound,
  MalformedHandlerName: MalformedHandlerName,
  UserCodeSyntaxError: UserCodeSyntaxError,
  NodeJsExit: NodeJsExit,
  MalformedStreamingHandler: MalformedStreamingHandler,
  InvalidStreamingOperation: InvalidStreamingOperation,
  UnhandledPromiseRejection: UnhandledPromiseRejection,
};
Object.keys(runtimeErrors).forEach(function (name) {
  runtimeErrors[name].prototype.name = 'Runtime.' + name;
});

module.exports = Object.assign({
  CallbackHandlerDeprecated: CallbackHandlerDeprecated,
  intoError: intoError,
  toRapidResponse: toRapidResponse,
  toFormatted: toFormatted,
}, runtimeErrors);
