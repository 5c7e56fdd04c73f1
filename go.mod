module github.com/oomlab/oomlab

go 1.26.8

require (
	github.com/dustin/go-humanize v1.1.0
	go.yaml.in/yaml/v3 v3.0.6
)
