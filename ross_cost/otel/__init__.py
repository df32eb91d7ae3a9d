"""OTLP decoding, attribute names and aliases."""
