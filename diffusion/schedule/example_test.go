package schedule_test

import (
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/schedule"
)

func ExampleDiscrete_Nearest() {
	s := schedule.DDPM()
	t := s.Nearest(1.0) // a σ-space noise level
	fmt.Printf("t = %d, σ_t = %.3f, ᾱ_t = %.4f\n", t, s.Sigma[t], s.AlphaBar[t])
	// Output: t = 258, σ_t = 1.000, ᾱ_t = 0.5002
}
