"""The Reviews page's right side: one aspect, its counts and phrases, and every review that mentions it.

Reviews are shown as written (verbatim, with their row); nothing here writes text.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from ..notice import heading, hint

SHOWN_REVIEWS = 500  # a list longer than this is hard to read and slow to fill; the count says how many


class AspectDetail(QWidget):
    """Shows an engine.insight.Aspect; `reply` asks for a reply draft to the chosen review."""

    reply = Signal(object)        # the engine.insight.Review to reply to

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.aspect = None
        self.reviews: tuple = ()
        self.title = heading(scale=1.2)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.phrases = QLabel()
        self.phrases.setWordWrap(True)
        self.phrases.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = hint()
        self.summary.setObjectName("aspectSummary")
        self.list_label = QLabel()
        self.review_list = QListWidget()
        self.review_list.setObjectName("aspectReviews")
        self.review_list.setWordWrap(True)
        self.review_list.setAlternatingRowColors(True)
        self.review_list.currentRowChanged.connect(lambda _: self._update_buttons())
        self.list_label.setBuddy(self.review_list)
        self.reply_button = QPushButton()
        self.reply_button.setObjectName("replyButton")
        self.reply_button.clicked.connect(self._reply)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reply_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.counts, self.summary, self.phrases, self.list_label):
            layout.addWidget(w)
        layout.addWidget(self.review_list, 1)
        layout.addLayout(buttons)
        self.retranslate()
        self.show_aspect(None, ())

    def retranslate(self) -> None:
        self.list_label.setText(self.tr("&Reviews that mention it (as written, with their row):"))
        self.reply_button.setText(self.tr("Draft a &reply to this review"))
        self.reply_button.setToolTip(self.tr("Opens the Write page with this real review in the review-reply form"))
        self.show_aspect(self.aspect, self.reviews)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_aspect(self, aspect, reviews: tuple) -> None:
        """`reviews` are Insight.reviews; the aspect's `reviews` index them."""
        self.aspect, self.reviews = aspect, reviews
        self.review_list.clear()
        if aspect is None:
            self.title.setText(self.tr("Click an aspect"))
            self.counts.setText(self.tr("Click a bar or a row on the left to read what customers say about it."))
            self.phrases.setText("")
            self.summary.hide()
            self._update_buttons()
            return
        self.title.setText(aspect.title)
        self.counts.setText(self.tr("{mentions} reviews mention it: {positive} praise it ({pshare}), {negative} "
                                    "criticise it ({nshare}). Words counted: {terms}.").format(
            mentions=aspect.mentions, positive=aspect.positive, negative=aspect.negative,
            pshare=f"{aspect.positive_share:.0%}", nshare=f"{aspect.negative_share:.0%}",
            terms=" / ".join(aspect.terms)))
        good = "、".join(f"{p.text} ({p.count})" for p in aspect.positive_phrases) or "–"
        bad = "、".join(f"{p.text} ({p.count})" for p in aspect.negative_phrases) or "–"
        self.phrases.setText(self.tr("<b>Praise:</b> {good}<br><b>Criticism:</b> {bad}").format(good=good, bad=bad))
        self.summary.setVisible(bool(aspect.summary))
        self.summary.setText(self.tr("{summary} (AI-generated summary; the numbers and quotes are counted)").format(
            summary=aspect.summary))
        marks = {1: "+", -1: "−", 0: "·"}  # plain signs: every font has them
        # criticism first: the reviews a seller answers
        order = sorted(range(len(aspect.reviews)), key=lambda k: (aspect.polarities[k] >= 0, k))
        for k in order[:SHOWN_REVIEWS]:
            review = reviews[aspect.reviews[k]]
            item = QListWidgetItem(self.tr("row {row} {mark}  {text}").format(
                row=review.row, mark=marks[aspect.polarities[k]], text=review.text))
            item.setData(Qt.ItemDataRole.UserRole, review)
            item.setData(Qt.ItemDataRole.UserRole + 1, aspect.polarities[k])
            item.setToolTip(review.text[:2000])
            self.review_list.addItem(item)
        if self.review_list.count():
            self.review_list.setCurrentRow(0)
        self._update_buttons()

    def current_review(self):
        item = self.review_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_buttons(self) -> None:
        self.reply_button.setEnabled(self.current_review() is not None)

    def _reply(self) -> None:
        review = self.current_review()
        if review is not None:
            self.reply.emit(review)
