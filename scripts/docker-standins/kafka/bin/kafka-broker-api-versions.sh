#!/bin/bash
# The path the generated compose file's health check runs, as in the official image.
exec /opt/kafka/bin/kafka-run-class org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
