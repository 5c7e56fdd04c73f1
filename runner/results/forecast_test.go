package results

import "testing"

func TestForecastConfident(t *testing.T) {
	late := 50.0
	f := Forecast{AtSeconds: 30, LatestSeconds: &late}
	if !f.Confident(60) || f.Confident(40) {
		t.Errorf("Confident(60), Confident(40) = %v, %v; want true, false", f.Confident(60), f.Confident(40))
	}
	if (Forecast{AtSeconds: 30}).Confident(1e9) {
		t.Error("Confident with no latest crossing = true; want false")
	}
}
