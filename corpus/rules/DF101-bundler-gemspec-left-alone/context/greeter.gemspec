require_relative "lib/greeter/version"

Gem::Specification.new do |spec|
  spec.name = "greeter"
  spec.version = Greeter::VERSION
  spec.summary = "Says hello"
  spec.authors = ["Demo"]
  spec.files = Dir["lib/**/*.rb"]
  spec.add_dependency "rack", "~> 3.0"
end
