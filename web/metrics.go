package web

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// deadlineCollector exports the regulation's deadlines at scrape time (ACC-9, ANN-2):
// open and overdue access applications (20 minutes, Reg §14), annulments due today and
// overdue (two calendar days, Reg §20), and decisions made on time.
type deadlineCollector struct {
	s                                                   *Server
	openAccess, overdueAccess, openAnnul, dueToday      *prometheus.Desc
	overdueAnnul, decisions, decisionsOnTime, scrapeErr *prometheus.Desc
}

func newDeadlineCollector(s *Server) *deadlineCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &deadlineCollector{s: s,
		openAccess:      d("kabinet_access_applications_open", "Received access applications awaiting a decision (20-minute clock running)."),
		overdueAccess:   d("kabinet_access_applications_overdue", "Received access applications past the 20-minute deadline (Reg §14)."),
		openAnnul:       d("kabinet_annulments_open", "Received annulment applications awaiting entry."),
		dueToday:        d("kabinet_annulments_due_today", "Annulments whose two-day deadline ends today (Reg §20)."),
		overdueAnnul:    d("kabinet_annulments_overdue", "Annulments past the two-day deadline (Reg §20)."),
		decisions:       d("kabinet_decisions", "Decisions issued."),
		decisionsOnTime: d("kabinet_decisions_on_time", "Decisions issued within their deadline."),
		scrapeErr:       d("kabinet_deadlines_scrape_error", "1 if the deadline figures could not be read."),
	}
}

func (c *deadlineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.openAccess, c.overdueAccess, c.openAnnul, c.dueToday, c.overdueAnnul, c.decisions, c.decisionsOnTime, c.scrapeErr} {
		ch <- d
	}
}

func (c *deadlineCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	st, err := c.s.db.Deadlines(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.scrapeErr, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.scrapeErr, prometheus.GaugeValue, 0)
	g := func(d *prometheus.Desc, v int) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v))
	}
	g(c.openAccess, st.OpenAccess)
	g(c.overdueAccess, st.OverdueAccess)
	g(c.openAnnul, st.OpenAnnulments)
	g(c.dueToday, st.DueTodayAnnulment)
	g(c.overdueAnnul, st.OverdueAnnulments)
	ch <- prometheus.MustNewConstMetric(c.decisions, prometheus.CounterValue, float64(st.Decisions))
	ch <- prometheus.MustNewConstMetric(c.decisionsOnTime, prometheus.CounterValue, float64(st.DecisionsOnTime))
}
