package http

// Conns returns how many connections s tracks (Server.conns).
func Conns(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}
