require "rack"
puts "hello from rack #{Rack.release}"
