"""The post editor and the review form."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from advocacy.core.forms import Form, MultiCheckboxField
from advocacy.core.images import MAX_IMAGE_BYTES, detect_image_type, read_upload
from advocacy.feed import rules
from advocacy.learning.tiers import TIERS

NETWORK_LABELS = {
    "linkedin": _l("LinkedIn"), "x": _l("X"), "facebook": _l("Facebook"), "whatsapp": _l("WhatsApp"),
    "email": _l("E-mail"), "other": _l("Other apps"),
}
TIER_LABELS = {"basic": _l("Basic"), "advanced": _l("Advanced"), "expert": _l("Expert")}
LINK_PROBLEMS = {
    "empty": _l("Enter the link the post is about."),
    "too_long": _l("The link is too long (at most 2000 characters)."),
    "bad_characters": _l("The link contains spaces, quotes or other characters a link cannot hold."),
    "scheme": _l("The link must start with http:// or https://."),
    "host": _l("The link must name a web site, without a user name or password in it."),
}


def caption_field_name(network: str, position: int) -> str:
    return f"caption_{network}_{position}"


def local_to_utc(value: datetime, zone: ZoneInfo) -> datetime | None:
    """A wall-clock time in the organisation's zone as UTC; None if the clocks skip that time."""
    aware = value.replace(tzinfo=zone)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != value:
        return None
    return utc


class PostForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[Length(max=10000)],
                         description=_l("Markdown: **bold**, *italic*, lists and links."))
    link = URLField(_l("Link"), validators=[DataRequired(message=_l("Enter the link the post is about."))],
                    description=_l("The page people will open: http:// or https:// only."))
    image = FileField(_l("Image (optional)"), description=_l("JPEG, PNG or WebP, at most 2 MB."),
                      render_kw={"accept": "image/jpeg,image/png,image/webp"})
    image_alt = StringField(_l("Image description"), validators=[Length(max=300)],
                            description=_l("What the image shows, for people who cannot see it."))
    remove_image = BooleanField(_l("Remove the image"))
    hashtags = StringField(_l("Hashtags"), validators=[Length(max=600)],
                           description=_l("Separated by spaces, e.g. #careers #events. Added to every caption."))
    min_tier = SelectField(_l("Who may share it"), choices=[(t, TIER_LABELS[t]) for t in TIERS])
    departments = MultiCheckboxField(_l("Departments (none chosen: everyone)"), coerce=int)
    goal_id = SelectField(_l("The goal it serves"), coerce=int)
    publish_at = DateTimeLocalField(_l("Publish at"), validators=[DataRequired(message=_l(
        "Enter the date and time the post may go out."))], format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    expires_at = DateTimeLocalField(_l("Expires at (optional)"), validators=[Optional()],
                                    format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    slug = StringField(_l("Campaign name"), validators=[Length(max=60)],
                       description=_l("Shows as utm_campaign in your web statistics: lowercase letters, "
                                      "digits and hyphens. Left empty, it is made from the title."))
    version = HiddenField()

    def __init__(self, *args, zone: ZoneInfo, goal_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.goal_required = goal_required
        self.image_data: tuple[bytes, str] | None = None
        self.hashtag_list: list[str] = []

    def captions(self, network: str) -> list:
        return [self[caption_field_name(network, i)] for i in range(rules.VARIANTS_PER_NETWORK)]

    def validate_link(self, field):
        field.data = (field.data or "").strip()
        problem = rules.link_problem(field.data)
        if problem:
            raise ValidationError(LINK_PROBLEMS[problem])

    def validate_slug(self, field):
        field.data = (field.data or "").strip().lower()
        if field.data and not rules.SLUG_RE.match(field.data):
            raise ValidationError(_l("Use lowercase letters, digits and single hyphens, e.g. spring-event."))

    def validate_hashtags(self, field):
        tags, bad = rules.parse_hashtags(field.data)
        if bad:
            # gettext, not lazy_gettext: a lazy string counts as safe HTML, and this one holds input.
            raise ValidationError(_("Not a hashtag: %(tags)s. Use letters, digits and _ only.",
                                    tags=", ".join(bad[:5])))
        if len(tags) > rules.MAX_HASHTAGS:
            raise ValidationError(_("At most %(n)d hashtags.", n=rules.MAX_HASHTAGS))
        self.hashtag_list = tags

    def validate_goal_id(self, field):
        if self.goal_required and not field.data:
            raise ValidationError(_l("Choose the goal this post serves: it tells colleagues why to share it."))

    def validate_image(self, field):
        storage = field.data
        if not storage or not getattr(storage, "filename", ""):
            return
        data = read_upload(storage)
        if len(data) > MAX_IMAGE_BYTES:
            raise ValidationError(_l("The image is larger than 2 MB."))
        mimetype = detect_image_type(data)
        if mimetype is None:
            raise ValidationError(_l("This file is not a JPEG, PNG or WebP image."))
        self.image_data = (data, mimetype)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._validate_times() & self._validate_captions() & valid

    def _validate_times(self) -> bool:
        ok = True
        for field in (self.publish_at, self.expires_at):
            if field.data and local_to_utc(field.data, self.zone) is None:
                field.errors = list(field.errors) + [_l("That time does not exist here: the clocks skip it.")]
                ok = False
        if ok and self.publish_at.data and self.expires_at.data and self.expires_at.data <= self.publish_at.data:
            self.expires_at.errors = list(self.expires_at.errors) + [_l("Expiry must be after the publish time.")]
            ok = False
        return ok

    def _validate_captions(self) -> bool:
        ok, hashtags = True, " ".join(self.hashtag_list)
        for network in rules.CAPTION_NETWORKS:
            for field in self.captions(network):
                field.data = (field.data or "").strip()
                problem = caption_problem(network, field.data, hashtags)
                if problem:
                    field.errors = list(field.errors) + [problem]
                    ok = False
        if not any(f.data for n in rules.CAPTION_NETWORKS for f in self.captions(n)):
            self.caption_linkedin_0.errors = list(self.caption_linkedin_0.errors) + [
                _l("Write at least one caption.")]
            ok = False
        return ok

    def values(self) -> dict:
        """The post as typed, cleaned: what the service stores."""
        return {
            "title": self.title.data.strip(), "body": self.body.data or "", "link": self.link.data,
            "slug": self.slug.data, "hashtags": " ".join(self.hashtag_list), "min_tier": self.min_tier.data,
            "goal_id": self.goal_id.data or None, "department_ids": sorted(set(self.departments.data or [])),
            "publish_at": local_to_utc(self.publish_at.data, self.zone),
            "expires_at": local_to_utc(self.expires_at.data, self.zone) if self.expires_at.data else None,
            "image_alt": (self.image_alt.data or "").strip(),
            "image": "remove" if self.remove_image.data else (self.image_data or "keep"),
            "captions": {n: [f.data for f in self.captions(n) if f.data] for n in rules.CAPTION_NETWORKS},
        }


def caption_problem(network: str, text: str, hashtags: str):
    if not text:
        return None
    if network == "x":
        length = rules.x_length(rules.share_text(text, hashtags))
        if length > rules.X_LIMIT:
            return _("With the hashtags and the link (23) this is %(n)d characters on X; the limit is 280. "
                      "Shorten it by %(over)d.", n=length, over=length - rules.X_LIMIT)
        return None
    if len(text) > rules.CAPTION_LIMITS[network]:
        return _("At most %(n)d characters.", n=rules.CAPTION_LIMITS[network])
    return None


for _network in rules.CAPTION_NETWORKS:
    for _position in range(rules.VARIANTS_PER_NETWORK):
        setattr(PostForm, caption_field_name(_network, _position),
                TextAreaField(_l("%(network)s caption %(n)d", network=NETWORK_LABELS[_network], n=_position + 1),
                              render_kw={"rows": 3}))


class ReviewForm(Form):
    comment = TextAreaField(_l("Comment"), validators=[Length(max=4000)],
                            description=_l("Required when you return the post: say what must change."))
    version = HiddenField()
