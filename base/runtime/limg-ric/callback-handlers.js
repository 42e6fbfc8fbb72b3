'use strict';
// What the runtime says about a handler declaring a callback parameter, in the words of AWS's
// runtime interface client: refused at init from Node.js 24 (any handler with three or more
// parameters, async ones too), a warning on Node.js 18 to 22 (exactly three parameters, not
// async, unless AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING is set to anything).

var Errors = require('./errors');

var REMOVED = 'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. ' +
  'You need to modify this function to use a supported handler signature to use Node.js 24 or later. ' +
  'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

var WARNING = 'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. ' +
  'You will need to update this function to use an async handler to use Node.js 24 or later. ' +
  'For more information and to provide feedback on this change, see ' +
  'https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. ' +
  'To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.';

function isAsync(handler) {
  try {
    return Boolean(handler && handler.constructor && handler.constructor.name === 'AsyncFunction');
  } catch (_err) {
    return false;
  }
}

/** Throws Runtime.CallbackHandlerDeprecated or prints the warning, as `policy` says. */
function check(handler, policy, env) {
  if (policy === 'refused' && handler.length >= 3) {
    throw new Errors.CallbackHandlerDeprecated(REMOVED);
  }
  if (policy === 'warned' && handler.length === 3 && !isAsync(handler) &&
      env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined) {
    console.warn(WARNING);
  }
}

module.exports = {check: check, isAsync: isAsync, REMOVED: REMOVED, WARNING: WARNING};
