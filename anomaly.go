package sessiond

import (
	"context"
	"net/netip"
)

// Action is what the anomaly policy does about a signal.
type Action int

// The actions, from the mildest. Every one writes a session.anomaly audit
// event.
const (
	// ActionAudit allows the request; the new value becomes the one
	// compared next.
	ActionAudit Action = iota + 1
	// ActionReauth demands re-authentication: the session grants nothing
	// ([StateReauthRequired]) until [Session.Reauth].
	ActionReauth
	// ActionRevoke ends the session (reason "anomaly").
	ActionRevoke
)

// ReasonAnomaly is the reason of a revocation by the anomaly policy.
const ReasonAnomaly = "anomaly"

// AnomalyPolicy says what to do when a request's client differs from the
// one the session last saw. The zero value is the default policy.
type AnomalyPolicy struct {
	// IPChange applies when the IP moves out of its /24 (IPv4) or /48
	// (IPv6) alone. Default ActionAudit.
	IPChange Action
	// UserAgentChange applies when the User-Agent changes alone. Default
	// ActionReauth.
	UserAgentChange Action
	// BothChange applies when both change at once. Default ActionRevoke.
	BothChange Action
}

// withDefaults fills in the zero fields.
func (p AnomalyPolicy) withDefaults() AnomalyPolicy {
	p.IPChange = max(p.IPChange, ActionAudit)
	if p.UserAgentChange == 0 {
		p.UserAgentChange = ActionReauth
	}
	if p.BothChange == 0 {
		p.BothChange = ActionRevoke
	}
	return p
}

// valid reports whether every action is known.
func (p AnomalyPolicy) valid() bool {
	for _, a := range []Action{p.IPChange, p.UserAgentChange, p.BothChange} {
		if a < ActionAudit || a > ActionRevoke {
			return false
		}
	}
	return true
}

// anomaly compares the request's client with the session's and applies the
// policy. A revoked session is ErrInvalidToken.
//
// A User-Agent that is missing or empty where one was recorded is a change:
// dropping the header must not switch the comparison off. An IP address is
// compared only when the request has one (the middleware always does; an
// API caller may leave it out), and a zero Client, no client known, is not
// compared at all. What the policy lets through becomes the value compared
// next, but never an empty one: nothing overwrites a recorded value with
// nothing.
func (s *Session) anomaly(ctx context.Context) error {
	if s.client == (Client{}) {
		return nil
	}
	rec := s.record()
	ua := clip(s.client.UserAgent, maxUserAgent)
	ipMoved := s.client.IP != "" && rec.IP != "" && !sameNetwork(rec.IP, s.client.IP)
	uaChanged := rec.UserAgent != "" && ua != rec.UserAgent
	reason, action := s.m.cfg.Anomaly.judge(ipMoved, uaChanged)
	if action == 0 || (action == ActionReauth && rec.ReauthRequired) {
		return nil // nothing new: a demand already made is not made again
	}
	s.m.audit(ctx, EventAnomaly, rec, s.client, reason)
	if action == ActionRevoke {
		if err := s.revoke(ctx, ReasonAnomaly); err != nil {
			return err
		}
		return ErrInvalidToken
	}
	return s.update(ctx, false, func(next *Record) error {
		if action == ActionReauth {
			next.ReauthRequired = true
			return nil
		}
		if s.client.IP != "" {
			next.IP = s.client.IP
		}
		if ua != "" {
			next.UserAgent = ua
		}
		return nil
	})
}

// judge names the signal and picks the action; no signal is action 0.
func (p AnomalyPolicy) judge(ipMoved, uaChanged bool) (string, Action) {
	switch {
	case ipMoved && uaChanged:
		return "ip_and_user_agent_change", p.BothChange
	case uaChanged:
		return "user_agent_change", p.UserAgentChange
	case ipMoved:
		return "ip_change", p.IPChange
	}
	return "", 0
}

// sameNetwork reports whether two addresses share their /24 (IPv4) or /48
// (IPv6). Text that is not an address compares as text.
func sameNetwork(a, b string) bool {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return a == b
	}
	x, y = x.Unmap(), y.Unmap()
	if x.Is4() != y.Is4() {
		return false
	}
	bits := 48
	if x.Is4() {
		bits = 24
	}
	px, _ := x.Prefix(bits)
	return px.Contains(y)
}
