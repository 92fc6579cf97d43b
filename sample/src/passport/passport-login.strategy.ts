import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';

/** The demo's one password, shown on the login page: any username may use it. */
export const DEMO_PASSWORD = 'green-tea';

/** passport-local: checks the form's username and password (a real app asks its user store). */
@Injectable()
export class LocalLoginStrategy extends PassportStrategy(Strategy) {
  validate(username: string, password: string): { name: string } {
    const name = username.trim();
    if (name.length === 0 || name.length > 40 || password !== DEMO_PASSWORD) throw new UnauthorizedException();
    return { name };
  }
}
