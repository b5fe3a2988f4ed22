"""The app's Flask extensions, created unbound and initialised by the factory."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Route limits are declared where they apply; the login counters use limiter.limiter directly.
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
