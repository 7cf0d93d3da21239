// A collector exporter that appends each batch as one line of OTLP/JSON to a file. The contrib file
// exporter does the same, but one of its dependencies is not served by the module proxy the tests
// build from (see scripts/provision-otel.sh).
module fastdapr.local/otelcol/jsonlinesexporter

go 1.25

require (
	go.opentelemetry.io/collector/component v1.71.0
	go.opentelemetry.io/collector/consumer v1.71.0
	go.opentelemetry.io/collector/exporter v1.71.0
	go.opentelemetry.io/collector/pdata v1.71.0
)
