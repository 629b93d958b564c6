module github.com/acme/inventory

go 1.22

toolchain go1.22.6

require github.com/go-chi/chi/v5 v5.1.0
