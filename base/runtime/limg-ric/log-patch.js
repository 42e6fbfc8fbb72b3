'use strict';
// Replaces console.* so every call becomes one log record:
//   <ISO time>\t<request id>\t<LEVEL>\t<util.format(...)>
// with newlines turned into carriage returns, so a multi-line message stays one
// CloudWatch event. AWS_LAMBDA_LOG_FORMAT=JSON and AWS_LAMBDA_LOG_LEVEL behave as
// in the Node runtime.

var util = require('util');
var Errors = require('./errors');

var REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

var LEVELS = {
  TRACE: {name: 'TRACE', priority: 1},
  DEBUG: {name: 'DEBUG', priority: 2},
  INFO: {name: 'INFO', priority: 3},
  WARN: {name: 'WARN', priority: 4},
  ERROR: {name: 'ERROR', priority: 5},
  FATAL: {name: 'FATAL', priority: 6},
};

var structuredConsole = {};

function currentRequestId() {
  return global[REQUEST_ID];
}

function setCurrentRequestId(id) {
  global[REQUEST_ID] = id;
}

function writeRecord(line) {
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function textLogger(level, args) {
  writeRecord(new Date().toISOString() + '\t' + currentRequestId() + '\t' + level.name + '\t' +
    util.format.apply(util, args));
}

function errorFields(error) {
  var ctor = error.constructor;
  return {
    errorType: ctor && ctor.name ? ctor.name : 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : error.stack,
  };
}

function jsonErrorReplacer(_key, value) {
  return value instanceof Error ? Object.assign(errorFields(value), value) : value;
}

function jsonLogger(level, args) {
  var record = {timestamp: new Date().toISOString(), level: level.name, requestId: currentRequestId()};
  var line;
  if (args.length === 1) {
    record.message = args[0];
    try {
      line = JSON.stringify(record, jsonErrorReplacer);
    } catch (_err) {
      record.message = util.format(record.message);
      line = JSON.stringify(record);
    }
  } else {
    record.message = util.format.apply(util, args);
    for (var i = 0; i < args.length; i++) {
      if (args[i] instanceof Error) {
        var fields = errorFields(args[i]);
        record.errorType = fields.errorType;
        record.errorMessage = fields.errorMessage;
        record.stackTrace = Array.isArray(fields.stackTrace) ? fields.stackTrace : [];
        break;
      }
    }
    line = JSON.stringify(record);
  }
  writeRecord(line);
}

function patchConsole(env) {
  env = env || process.env;
  var json = String(env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  var logger = json ? jsonLogger : textLogger;
  var minimum = LEVELS[String(env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
  var noop = function () {};
  var method = function (level) {
    if (level.priority < minimum.priority) return noop;
    return function () { logger(level, Array.prototype.slice.call(arguments)); };
  };
  console.trace = method(LEVELS.TRACE);
  console.debug = method(LEVELS.DEBUG);
  console.info = method(LEVELS.INFO);
  console.log = console.info;
  console.warn = method(LEVELS.WARN);
  console.error = method(LEVELS.ERROR);
  console.fatal = function () { logger(LEVELS.FATAL, Array.prototype.slice.call(arguments)); };

  structuredConsole.logError = json
    ? function (_message, err) { console.error(Errors.intoError(err)); }
    : function (message, err) { console.error(message, Errors.toFormatted(Errors.intoError(err))); };
}

module.exports = {
  patchConsole: patchConsole,
  setCurrentRequestId: setCurrentRequestId,
  structuredConsole: structuredConsole,
};
