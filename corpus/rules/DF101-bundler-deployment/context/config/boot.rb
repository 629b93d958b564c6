require "rack"
require "puma"
puts "booting with rack #{Rack.release}"
