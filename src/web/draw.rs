//! Main-thread draw calls: the page's charts on its canvases.
