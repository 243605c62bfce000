package sessiond

import (
	"encoding/json"
	"fmt"
)

// openData opens and decodes a record's sealed data. Empty data is an empty
// map.
func (m *Manager) openData(rec *Record) (map[string]json.RawMessage, error) {
	values := map[string]json.RawMessage{}
	if len(rec.Data) == 0 {
		return values, nil
	}
	plain, err := m.keys.open(rec.Data, []byte(rec.ID))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(plain, &values); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSealed, err)
	}
	return values, nil
}

// sealData encodes and seals values for the session with the given id. No
// values seal to nil.
func (m *Manager) sealData(id string, values map[string]json.RawMessage) ([]byte, error) {
	if len(values) == 0 {
		return nil, nil
	}
	plain, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("sessiond: encoding data: %w", err)
	}
	return m.keys.seal(m.cfg.Rand, plain, []byte(id))
}
