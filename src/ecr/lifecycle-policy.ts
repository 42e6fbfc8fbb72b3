/**
 * The lifecycle policy limg gives a repository it creates: keep the newest `maxImages` images,
 * tagged or not, so pushes on every commit do not grow the repository (and the bill) forever.
 */
export function lifecyclePolicyText(maxImages: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Keep the newest ${maxImages} images`,
        selection: {tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: maxImages},
        action: {type: 'expire'},
      },
    ],
  })
}
