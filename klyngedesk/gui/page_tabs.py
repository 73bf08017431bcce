"""The project's tabs: each page is built (its module imported) when it is first shown or asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import overload

from PySide6.QtWidgets import QTabWidget, QWidget


class LazyPages(Sequence[QWidget]):
    """The pages of `tabs`, in tab order. A tab holds an empty stand-in until its page is first needed:
    `pages[i]` builds page i with `make(i)`, puts it in the tab in the stand-in's place and tells
    `built(i, page)`. Asking whether a page is there (`in`, `index`) never builds one."""

    def __init__(self, tabs: QTabWidget, titles: Sequence[str], make: Callable[[int], QWidget],
                 built: Callable[[int, QWidget], None]) -> None:
        self.tabs, self.titles = tabs, list(titles)
        self._make, self._built = make, built
        self._pages: list[QWidget | None] = [None] * len(self.titles)
        for title in self.titles:
            tabs.addTab(QWidget(), title)

    def __len__(self) -> int:
        return len(self._pages)

    @overload
    def __getitem__(self, index: int) -> QWidget: ...

    @overload
    def __getitem__(self, index: slice) -> list[QWidget]: ...

    def __getitem__(self, index: int | slice) -> QWidget | list[QWidget]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        page = self._pages[index]
        if page is None:
            page = self._make(index)
            self._pages[index] = page
            self._put_in_tab(range(len(self))[index], page)
            self._built(index, page)
        return page

    def __iter__(self) -> Iterator[QWidget]:
        return (self[i] for i in range(len(self)))

    def __contains__(self, page: object) -> bool:
        return any(p is page for p in self._pages)

    def index(self, page: object, start: int = 0, stop: int | None = None) -> int:
        for i, p in enumerate(self._pages[start:stop], start):
            if p is page:
                return i
        raise ValueError(f"{page!r} is not among the built pages")  # list.index's contract, not a user message

    def is_built(self, index: int) -> bool:
        return self._pages[index] is not None

    def built_pages(self) -> list[QWidget]:
        return [p for p in self._pages if p is not None]

    def _put_in_tab(self, index: int, page: QWidget) -> None:
        """The page takes its stand-in's place; the tab shown stays the one shown (no signal: nothing changed
        for the user)."""
        tabs = self.tabs
        current, stand_in = tabs.currentIndex(), tabs.widget(index)
        focus_on_bar = tabs.tabBar().hasFocus()
        tabs.blockSignals(True)
        tabs.setUpdatesEnabled(False)
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, page, self.titles[index])
            tabs.setCurrentIndex(current)
        finally:
            tabs.setUpdatesEnabled(True)
            tabs.blockSignals(False)
        if focus_on_bar:
            tabs.tabBar().setFocus()
        stand_in.deleteLater()
