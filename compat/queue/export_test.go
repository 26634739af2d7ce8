package queue

// Waiting reports how many calls are parked on q, by kind. Tests use it to
// know that a goroutine has really started to wait before they act.
func (q *Queue[T]) Waiting() (getters, peekers, putters, joiners int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.getters.n, q.peekers.n, q.putters.n, q.joiners.n
}

// Waiting reports how many Gets and Puts are parked on c.
func (c *Channel[T]) Waiting() (getters, putters int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.getters.n, c.putters.n
}
