from django.urls import path

from custodes.accounts.views import admin, own_account, sign_in, tokens

app_name = "accounts"

urlpatterns = [
    path("sign-in", sign_in.sign_in, name="sign-in"),
    path("sign-in/code", sign_in.second_factor, name="second-factor"),
    path("sign-in/set-up-authenticator", sign_in.set_up_authenticator, name="set-up-authenticator"),
    path("sign-out", sign_in.sign_out, name="sign-out"),
    path("signed-out", sign_in.signed_out, name="signed-out"),
    # Your own account. The path is also named in middleware.CHANGE_PASSWORD_PATH.
    path("account/password", own_account.change_password, name="change-password"),
    # Account administration (system administrator).
    path("accounts/", admin.account_list, name="account-list"),
    path("accounts/new", admin.account_create, name="account-create"),
    path("accounts/tokens", tokens.token_list, name="token-list"),
    path("accounts/<int:pk>", admin.account_detail, name="account-detail"),
    path("accounts/<int:pk>/roles/new", admin.role_grant, name="role-grant"),
    path("accounts/<int:pk>/roles/<int:grant_pk>/revoke", admin.role_revoke, name="role-revoke"),
    path("accounts/<int:pk>/deactivate", admin.account_deactivate, name="account-deactivate"),
    path("accounts/<int:pk>/reactivate", admin.account_reactivate, name="account-reactivate"),
    path("accounts/<int:pk>/reset-authenticator", admin.authenticator_reset, name="authenticator-reset"),
    path("accounts/<int:pk>/unlock", admin.account_unlock, name="account-unlock"),
    path("accounts/<int:pk>/password", admin.password_set, name="password-set"),
    path("accounts/<int:pk>/tokens/new", tokens.token_create, name="token-create"),
    path("accounts/<int:pk>/tokens/<int:token_pk>/revoke", tokens.token_revoke, name="token-revoke"),
]
