package tensor

func conv3x3Forward(g convGeom, y, x, w []float32)         { convGenericForward(g, y, x, w) }
func conv3x3BackwardInput(g convGeom, dx, dy, w []float32) { convGenericBackwardInput(g, dx, dy, w) }
func conv3x3BackwardWeight(g convGeom, dw, x, dy []float32) {
	convGenericBackwardWeight(g, dw, x, dy)
}
