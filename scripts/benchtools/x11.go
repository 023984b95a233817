package main

/*
#cgo LDFLAGS: -lX11
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/Xutil.h>

static int ignoreErrors(Display *d, XErrorEvent *e) { return 0; }
static void quiet(void) { XSetErrorHandler(ignoreErrors); }

// windowPID is a window's _NET_WM_PID, or 0.
static long windowPID(Display *d, Window w) {
	Atom pidAtom = XInternAtom(d, "_NET_WM_PID", True);
	if (pidAtom == None) return 0;
	Atom type; int format; unsigned long n, after; unsigned char *data = NULL;
	long pid = 0;
	if (XGetWindowProperty(d, w, pidAtom, 0, 1, False, XA_CARDINAL, &type, &format, &n, &after, &data) == Success
	    && data != NULL && n == 1 && format == 32) {
		pid = *(long *)data;
	}
	if (data) XFree(data);
	return pid;
}

// viewable fills in the size of w when it is mapped and viewable.
static int viewable(Display *d, Window w, int *width, int *height) {
	XWindowAttributes a;
	if (!XGetWindowAttributes(d, w, &a)) return 0;
	*width = a.width; *height = a.height;
	return a.map_state == IsViewable;
}

// rowsBlank reports whether the sampled rows of w are all one colour:
// -1 when the image cannot be read. It reads every step-th row.
static int rowsBlank(Display *d, Window w, int width, int height, int step) {
	unsigned long first = 0; int have = 0;
	for (int y = step / 2; y < height; y += step) {
		XImage *img = XGetImage(d, w, 0, y, width, 1, AllPlanes, ZPixmap);
		if (!img) return -1;
		for (int x = 0; x < width; x++) {
			unsigned long p = XGetPixel(img, x, 0);
			if (!have) { first = p; have = 1; } else if (p != first) { XDestroyImage(img); return 0; }
		}
		XDestroyImage(img);
	}
	return 1;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// display is a connection to the X server named by $DISPLAY.
type display struct{ d *C.Display }

func openDisplay() (*display, error) {
	d := C.XOpenDisplay(nil)
	if d == nil {
		return nil, errors.New("cannot open the X display ($DISPLAY)")
	}
	C.quiet()
	return &display{d: d}, nil
}

func (x *display) close() { C.XCloseDisplay(x.d) }

// window is a viewable top-level window.
type window struct {
	id            C.Window
	width, height int
}

// findWindow returns a viewable top-level window, larger than 10×10, whose
// _NET_WM_PID is one of pids.
func (x *display) findWindow(pids map[int]bool) (window, bool) {
	var root, parent C.Window
	var children *C.Window
	var n C.uint
	if C.XQueryTree(x.d, C.XDefaultRootWindow(x.d), &root, &parent, &children, &n) == 0 {
		return window{}, false
	}
	if children == nil {
		return window{}, false
	}
	defer C.XFree(unsafe.Pointer(children))
	for _, w := range unsafe.Slice(children, int(n)) {
		var wd, ht C.int
		if C.viewable(x.d, w, &wd, &ht) == 0 || wd <= 10 || ht <= 10 {
			continue
		}
		if pid := int(C.windowPID(x.d, w)); pids[pid] {
			return window{id: w, width: int(wd), height: int(ht)}, true
		}
	}
	return window{}, false
}

// painted reports whether the window shows anything: not every sampled
// row (one in step) is one colour. Xvfb runs with -br, so a window not
// drawn yet is uniformly black.
func (x *display) painted(w window, step int) bool {
	var wd, ht C.int // the window may have been resized since it was found
	if C.viewable(x.d, w.id, &wd, &ht) == 0 {
		return false
	}
	return C.rowsBlank(x.d, w.id, wd, ht, C.int(step)) == 0
}
