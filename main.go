package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
	_ "github.com/mrjones/oauth"
	_ "github.com/pkg/browser"
)

func main() {
	a := app.NewWithID("io.github.pumpconnect.PumpConnect")
	w := a.NewWindow("Pump Connect")
	w.SetContent(widget.NewLabel("Pump Connect"))
	w.ShowAndRun()
}
