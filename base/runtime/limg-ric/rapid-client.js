'use strict';
// The Runtime API client: one kept-alive connection, as the Node runtime uses.

var http = require('http');
var Errors = require('./errors');
var LogPatch = require('./log-patch');

var ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
var BASE = '/2018-06-01';

function serialise(value) {
  return JSON.stringify(value === undefined ? null : value);
}

// A header value must be visible ASCII; an error name is user data.
function errorTypeHeader(errorType) {
  var headers = {};
  headers[ERROR_TYPE_HEADER] = String(errorType).replace(/[^\x20-\x7e]/g, '');
  return headers;
}

function RapidClient(hostPort) {
  var parts = String(hostPort || '').split(':');
  this.hostname = parts[0];
  this.port = parseInt(parts[1], 10);
  this.agent = new http.Agent({keepAlive: true, maxSockets: 1});
}

RapidClient.prototype.request = function (method, path, body, headers, callback) {
  var req = http.request({
    hostname: this.hostname,
    port: this.port,
    method: method,
    path: path,
    headers: headers,
    agent: this.agent,
  }, function (res) {
    var chunks = [];
    res.on('data', function (chunk) { chunks.push(chunk); });
    res.on('end', function () { callback(null, res, Buffer.concat(chunks).toString('utf8')); });
    res.on('error', function (err) { callback(err); });
  });
  req.on('error', function (err) { callback(err); });
  req.end(body);
};

RapidClient.prototype.nextInvocation = function () {
  var self = this;
  return new Promise(function (resolve, reject) {
    self.request('GET', BASE + '/runtime/invocation/next', undefined, {}, function (err, res, body) {
      if (err) return reject(err);
      if (res.statusCode !== 200) {
        return reject(new Error('Runtime API answered ' + res.statusCode + ' to /next: ' + body));
      }
      return resolve({bodyJson: body, headers: res.headers});
    });
  });
};

RapidClient.prototype.post = function (path, bodyString, headers, callback) {
  var allHeaders = Object.assign({
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(bodyString),
  }, headers);
  this.request('POST', path, bodyString, allHeaders, function (err) {
    // Nothing is left to do for this invoke when the Runtime API cannot be
    // reached: the emulator or the sandbox has gone away.
    if (err) {
      process.stderr.write('Runtime API request failed: ' + err.message + '\n');
      process.exit(1);
    }
    if (callback) callback();
  });
};

RapidClient.prototype.postInvocationResponse = function (result, id, callback) {
  var bodyString;
  try {
    bodyString = serialise(result);
  } catch (_err) {
    var error = new Error('Unable to stringify response body');
    LogPatch.structuredConsole.logError('Invoke Error', error);
    return this.postInvocationError(error, id, callback);
  }
  return this.post(BASE + '/runtime/invocation/' + encodeURIComponent(id) + '/response', bodyString, {}, callback);
};

RapidClient.prototype.postInvocationError = function (error, id, callback) {
  var response = Errors.toRapidResponse(error);
  this.post(BASE + '/runtime/invocation/' + encodeURIComponent(id) + '/error', serialise(response),
    errorTypeHeader(response.errorType), callback);
};

RapidClient.prototype.postInitError = function (error, callback) {
  var response = Errors.toRapidResponse(error);
  this.post(BASE + '/runtime/init/error', serialise(response), errorTypeHeader(response.errorType), callback);
};

module.exports = RapidClient;
