{{! docker buildx bake: one target, its layer cache kept in the registry beside the image. }}
# Build definition for `docker buildx bake`, written by `dfopt new`.
#
#   docker buildx create --use                   once: a BuildKit builder that can export cache
#   IMAGE=registry.example.com/team/{{name}} docker buildx bake --push
#
# The layer cache is stored in the registry next to the image (${IMAGE}:buildcache), so every CI
# runner and every laptop starts from the layers the last build pushed. mode=max exports the cache
# of every stage, not only the final one: the dependency steps of the build stages are the ones
# worth keeping. Pushing the cache needs `docker login` to that registry, even without --push.

variable "IMAGE" {
  # The image's registry reference, without a tag.
  default = "{{name}}"
}

variable "TAG" {
  default = "latest"
}

group "default" {
  targets = ["app"]
}

target "app" {
  context    = "."
  dockerfile = "Dockerfile"
  tags       = ["${IMAGE}:${TAG}"]
{{#if platforms}}
  platforms  = [{{platforms_hcl}}]
{{/if}}
{{#if secrets}}
  # The install reads {{secret_names}} as a build secret, never stored in a layer.
  secret     = [{{secrets_hcl}}]
{{/if}}
  cache-from = ["type=registry,ref=${IMAGE}:buildcache"]
  cache-to   = ["type=registry,ref=${IMAGE}:buildcache,mode=max"]
}
