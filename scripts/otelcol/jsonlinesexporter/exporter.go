// Package jsonlinesexporter writes what the collector receives to a file, one OTLP/JSON document
// (ptrace / pmetric JSON, the encoding of OTLP over HTTP with JSON) per line, so a test can read
// back exactly the spans and metric points the services and sidecars exported.
package jsonlinesexporter

import (
	"context"
	"errors"
	"os"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Config is the exporter's section in the collector configuration.
type Config struct {
	// Path of the file the lines are appended to (created when missing).
	Path string `mapstructure:"path"`
}

// Validate refuses a configuration without a file.
func (c *Config) Validate() error {
	if c.Path == "" {
		return errors.New("jsonlines: path is required")
	}
	return nil
}

var componentType = component.MustNewType("jsonlines")

// NewFactory is what the collector's builder registers.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		componentType,
		func() component.Config { return &Config{} },
		exporter.WithTraces(func(_ context.Context, _ exporter.Settings, cfg component.Config) (exporter.Traces, error) {
			return &fileExporter{path: cfg.(*Config).Path}, nil
		}, component.StabilityLevelDevelopment),
		exporter.WithMetrics(func(_ context.Context, _ exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
			return &fileExporter{path: cfg.(*Config).Path}, nil
		}, component.StabilityLevelDevelopment),
	)
}

type fileExporter struct {
	path string
	mu   sync.Mutex
	file *os.File
}

func (e *fileExporter) Start(_ context.Context, _ component.Host) error {
	file, err := os.OpenFile(e.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	e.file = file
	return nil
}

func (e *fileExporter) Shutdown(_ context.Context) error {
	if e.file == nil {
		return nil
	}
	return e.file.Close()
}

func (e *fileExporter) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

func (e *fileExporter) ConsumeTraces(_ context.Context, td ptrace.Traces) error {
	line, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	if err != nil {
		return err
	}
	return e.writeLine(line)
}

func (e *fileExporter) ConsumeMetrics(_ context.Context, md pmetric.Metrics) error {
	line, err := (&pmetric.JSONMarshaler{}).MarshalMetrics(md)
	if err != nil {
		return err
	}
	return e.writeLine(line)
}

// writeLine writes the document and its newline in one call, so a reader never sees half a line
// followed by another batch.
func (e *fileExporter) writeLine(line []byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err := e.file.Write(append(line, '\n'))
	return err
}
