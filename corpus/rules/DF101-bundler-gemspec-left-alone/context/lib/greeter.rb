require "greeter/version"

module Greeter
  def self.hello = "hello #{VERSION}"
end
