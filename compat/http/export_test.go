package http

// Conns returns how many connections s tracks (Server.conns).
func Conns(s *Server) int { return s.parked.count() }
