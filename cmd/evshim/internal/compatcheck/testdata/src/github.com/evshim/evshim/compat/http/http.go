// Package http stands in for compat/http.
package http

import "net/http"

type Handler = http.Handler

type Server struct{ Addr string }

func (s *Server) ListenAndServe() error { return nil }

func (s *Server) RegisterOnShutdown(f func()) {}
