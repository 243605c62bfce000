package throttle

// table is a map of at most max entries that drops the least recently
// touched entry to make room. Its list runs from the most recently
// touched entry (root.next) to the least (root.prev).
type table[K comparable, V any] struct {
	m    map[K]*node[K, V]
	root node[K, V]
	max  int
}

// node is an entry of a table.
type node[K comparable, V any] struct {
	key        K
	prev, next *node[K, V]
	val        V
}

// newTable returns an empty table of at most max entries.
func newTable[K comparable, V any](max int) table[K, V] {
	return table[K, V]{m: make(map[K]*node[K, V]), max: max}
}

// init links the root to itself once the table is in its final place.
func (t *table[K, V]) init() {
	if t.root.next == nil {
		t.root.next, t.root.prev = &t.root, &t.root
	}
}

// get returns k's value, without touching it.
func (t *table[K, V]) get(k K) (*V, bool) {
	n, ok := t.m[k]
	if !ok {
		return nil, false
	}
	return &n.val, true
}

// touch returns k's value, a zero one if k is new, and makes it the most
// recently touched entry. A new entry past max pushes out the least
// recently touched one.
func (t *table[K, V]) touch(k K) *V {
	t.init()
	n, ok := t.m[k]
	if ok {
		t.unlink(n)
	} else {
		if len(t.m) >= t.max {
			t.remove(t.root.prev.key)
		}
		n = &node[K, V]{key: k}
		t.m[k] = n
	}
	n.prev, n.next = &t.root, t.root.next
	n.prev.next, n.next.prev = n, n
	return &n.val
}

// remove deletes k, if present.
func (t *table[K, V]) remove(k K) {
	if n, ok := t.m[k]; ok {
		t.unlink(n)
		delete(t.m, k)
	}
}

// unlink takes n out of the list.
func (t *table[K, V]) unlink(n *node[K, V]) {
	n.prev.next, n.next.prev = n.next, n.prev
}

// sweep removes up to n stale entries, least recently touched first,
// stopping at the first fresh one.
func (t *table[K, V]) sweep(n int, stale func(*V) bool) {
	t.init()
	for ; n > 0 && t.root.prev != &t.root && stale(&t.root.prev.val); n-- {
		t.remove(t.root.prev.key)
	}
}

// len is the number of entries.
func (t *table[K, V]) len() int { return len(t.m) }
