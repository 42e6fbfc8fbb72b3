/**
 * What the AWS SDK must find in the process's environment before a client is made, since it
 * reads that environment itself: AWS_PROFILE for a named profile (the SDK applies a client's
 * `profile` to credentials and region but reads endpoint_url from AWS_PROFILE's section only,
 * so setting it makes every setting come from the same profile), and the pinned SDK's notice
 * about future Node releases, which is not actionable for limg's users, turned off. Called by
 * the application context, the one place limg makes AWS clients.
 */
export function prepareSdkEnvironment(aws: {profile?: string}, env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  if (aws.profile) env.AWS_PROFILE = aws.profile
}
