/**
 * Prepares the AWS SDK's default chain for a command that takes `--profile`, as `limg push`
 * does: the SDK applies a client's `profile` to credentials and region but reads endpoint_url
 * from AWS_PROFILE's section only, so setting it makes every setting come from the same profile.
 */
export function useAwsProfile(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  // The pinned SDK supports Node 20; its notice about future releases is not actionable here.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  if (profile) env.AWS_PROFILE = profile
}
