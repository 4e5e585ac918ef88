package catalog

//go:generate go test -run ^TestGenerated$ -update
