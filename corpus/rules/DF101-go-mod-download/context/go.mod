module example.com/demo-go

go 1.22

require (
	github.com/go-chi/chi/v5 v5.1.0
	github.com/google/uuid v1.6.0
)

require golang.org/x/text v0.16.0 // indirect
