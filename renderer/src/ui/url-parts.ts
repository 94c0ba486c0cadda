/**
 * A store URL cut where a reader expects a line to break: after the `?` that starts its settings and
 * after each `&` between them (`s3://bucket?` `region=eu-west-1&` `profile=ci`). Each part is kept
 * whole on a line when it fits, so a wrapped URL never splits `eu-central-1` at its hyphen.
 */
export function urlParts(url: string): string[] {
  return url.match(/[^?&]+[?&]?|[?&]/g) ?? [];
}
